/**
 * The container type of chaincode run in a Docker container, as Fabric registers its DockerVM.
 * On its own so that choosing the type does not load the Docker VM and its client library.
 */
export const DOCKER_CONTAINER_TYPE = 'DOCKER';
